namespace StripeTerminalKit.Simulation.Tests.Simulation;

/// <summary>
/// Independent random streams derived from one seed, the same in every process
/// (<see cref="HashCode"/> is randomised per process, so it cannot be used for this).
/// </summary>
internal static class Streams
{
    public static Random For(int seed, int stream, int substream = 0) => new(Mix(seed, stream, substream));

    /// <summary>SplitMix64 over the three numbers, folded to an int.</summary>
    public static int Mix(int seed, int stream, int substream = 0)
    {
        var z = ((ulong)(uint)seed << 32) ^ ((ulong)(uint)stream * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)substream * 0xBF58476D1CE4E5B9UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z ^ (z >> 32));
    }
}
