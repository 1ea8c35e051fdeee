// The checkout machine's names for the one failure value (StripeTerminalKit.Errors.StripeFailure)
// and its kind, kept while the machine's files are being edited elsewhere; a mechanical rename
// (ApiFailureKind -> StripeFailureKind, ApiFailure -> StripeFailure) retires them.
global using ApiFailure = StripeTerminalKit.Errors.StripeFailure;
global using ApiFailureKind = StripeTerminalKit.Errors.StripeFailureKind;
