/** Codecs for the AAuth and Signature-Key response/request headers, problem details and interaction codes. */
export {
  formatAAuthAccess,
  formatAAuthAuthorization,
  isAAuthAuthorization,
  isToken68,
  parseAAuthAccess,
  parseAAuthAuthorization,
} from './aauth-access.js';
export {
  parseAcceptSignatureAlg,
  parseAcceptSignatureScheme,
  serializeAcceptSignatureAlg,
  serializeAcceptSignatureScheme,
} from './accept-signature.js';
export {
  type Capability,
  isCapability,
  parseCapabilities,
  readCapabilities,
  serializeCapabilities,
} from './capabilities.js';
export {
  canonicalizeInteractionCode,
  formatInteractionCode,
  generateInteractionCode,
  INTERACTION_CODE_ALPHABET,
  interactionCodesEqual,
  MIN_INTERACTION_CODE_BITS,
} from './interaction-code.js';
export {
  createProblem,
  isProblemContentType,
  type ProblemDetails,
  type ProblemInit,
  parseProblem,
  signatureErrorProblem,
} from './problem.js';
export {
  type AAuthRequirement,
  agentTokenRequirement,
  approvalRequirement,
  authTokenRequirement,
  claimsRequirement,
  clarificationRequirement,
  interactionRequirement,
  isKnownRequirement,
  parseRequirement,
  personTokenRequirement,
  type RequirementChallenge,
  type RequirementParams,
  serializeRequirement,
} from './requirement.js';
export {
  parseSignatureError,
  type SignatureErrorHeader,
  serializeSignatureError,
} from './signature-error.js';
