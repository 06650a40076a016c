/// The provider's duties beyond labels (Deep Synthesis Provisions Arts. 9–14, Labeling Measures Art. 9): real-name
/// accounts, consent for face and voice editing, screening of prompts and outputs, complaints and rumour
/// refutations, agreement versions for the explicit-label opt-out, and an append-only audit trail with exports.
///
/// Everything lives in the same database as the transparency log (``LogDatabase``), in the tables migration 4
/// creates. The HTTP API (`SigilServer`) and the CLI (`sigil`) are thin layers over ``ComplianceService``.
public enum SigilCompliance {}
