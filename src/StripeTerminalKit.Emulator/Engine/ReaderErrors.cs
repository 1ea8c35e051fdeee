using StripeTerminalKit.Emulator.Http;

namespace StripeTerminalKit.Emulator.Engine;

/// <summary>Stripe's reader errors, with Stripe's wording.</summary>
internal static class ReaderErrors
{
    public static ApiErrorException Offline() => ApiErrorException.State("terminal_reader_offline",
        "Reader is currently offline, please ensure the reader is powered on and connected to the internet before retrying your request.");

    public static ApiErrorException Busy() => ApiErrorException.State("terminal_reader_busy",
        "Reader is currently busy processing another request, please retry after the current action has completed.");

    public static ApiErrorException HardwareFault() => ApiErrorException.State("terminal_reader_hardware_fault",
        "Reader can no longer accept payments as an unrecoverable hardware fault has been detected. Contact support and provide your reader's serial number for replacement.");
}
