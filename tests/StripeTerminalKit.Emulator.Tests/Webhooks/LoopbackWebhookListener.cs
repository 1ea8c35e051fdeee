using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace StripeTerminalKit.Emulator.Tests.Webhooks;

/// <summary>How a <see cref="LoopbackWebhookListener"/> answers one request.</summary>
internal enum LoopbackAnswer
{
    /// <summary><c>HTTP/1.1 200 OK</c>, connection kept open.</summary>
    Ok11,

    /// <summary>
    /// <c>HTTP/1.0 200 OK</c> without <c>Connection: keep-alive</c>, then the connection is closed as an
    /// HTTP/1.0 server closes it: once the client sends more or goes away, whichever comes first.
    /// (Closing only then makes the outcome independent of timing: a client that reuses the
    /// connection always finds it closed, never half-closed by luck.)
    /// </summary>
    Ok10,

    /// <summary><c>HTTP/1.1 302 Found</c> with a <c>Location</c> header.</summary>
    Redirect,

    /// <summary>Never answers: the request is read and the connection held until the listener is disposed.</summary>
    Hang,
}

/// <summary>
/// A real HTTP listener on 127.0.0.1 and a port the system picks (port 0), answering each request
/// as the test scripts it — what a user's own test listener does, down to HTTP/1.0 answers.
/// Records every request body with the connection it came on.
/// </summary>
internal sealed class LoopbackWebhookListener : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<int, LoopbackAnswer> _answer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<(int Connection, string Body)> _requests = [];
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;
    private int _connectionCount;

    public LoopbackWebhookListener(Func<int, LoopbackAnswer> answer, string? redirectTo = null)
    {
        _answer = answer;
        RedirectTo = redirectTo;
        _listener.Start();
        Url = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/webhooks"));
        _accepting = AcceptAsync();
    }

    public Uri Url { get; }

    public string? RedirectTo { get; }

    public IReadOnlyList<string> Bodies
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests.Select(r => r.Body)];
            }
        }
    }

    public IReadOnlyList<int> ConnectionNumbers
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests.Select(r => r.Connection)];
            }
        }
    }

    /// <summary>Completes once <paramref name="count"/> requests have arrived (a guard, not a sleep: it returns as soon as they have).</summary>
    public Task WaitForRequestsAsync(int count)
    {
        lock (_requests)
        {
            if (_requests.Count >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            return done.Task;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll([_accepting, .. connections]).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                TcpClient client = await _listener.AcceptTcpClientAsync(_stopping.Token).ConfigureAwait(false);
                int number = Interlocked.Increment(ref _connectionCount);
                lock (_connections)
                {
                    _connections.Add(ServeAsync(client, number));
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync(TcpClient client, int connection)
    {
        using (client)
        {
            try
            {
                NetworkStream stream = client.GetStream();
                var buffer = new List<byte>();
                while (true)
                {
                    string? body = await ReadRequestAsync(stream, buffer).ConfigureAwait(false);
                    if (body is null)
                    {
                        return; // the client closed the connection
                    }

                    int number = Record(connection, body);
                    LoopbackAnswer answer = _answer(number);
                    switch (answer)
                    {
                        case LoopbackAnswer.Hang:
                            await Task.Delay(Timeout.Infinite, _stopping.Token).ConfigureAwait(false);
                            return;
                        case LoopbackAnswer.Redirect:
                            await WriteAsync(stream, $"HTTP/1.1 302 Found\r\nLocation: {RedirectTo}\r\nContent-Length: 0\r\n\r\n").ConfigureAwait(false);
                            break;
                        case LoopbackAnswer.Ok10:
                            await WriteAsync(stream, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok").ConfigureAwait(false);

                            // An HTTP/1.0 server does not keep the connection: it reads no further request.
                            var probe = new byte[1];
                            _ = await stream.ReadAsync(probe, _stopping.Token).ConfigureAwait(false);
                            return;
                        default:
                            await WriteAsync(stream, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok").ConfigureAwait(false);
                            break;
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // The client or the test went away.
            }
        }

        async Task WriteAsync(NetworkStream stream, string text) =>
            await stream.WriteAsync(Encoding.ASCII.GetBytes(text), _stopping.Token).ConfigureAwait(false);
    }

    private int Record(int connection, string body)
    {
        lock (_requests)
        {
            _requests.Add((connection, body));
            foreach (var waiter in _waiters.Where(w => _requests.Count >= w.Count).ToList())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }

            return _requests.Count;
        }
    }

    /// <summary>Reads one request (headers, then a Content-Length body); null when the connection ends first.</summary>
    private async Task<string?> ReadRequestAsync(NetworkStream stream, List<byte> buffer)
    {
        var chunk = new byte[4096];
        int headerEnd;
        while ((headerEnd = IndexOfHeaderEnd(buffer)) < 0)
        {
            int read = await stream.ReadAsync(chunk, _stopping.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            buffer.AddRange(chunk.AsSpan(0, read));
        }

        string headers = Encoding.ASCII.GetString([.. buffer.Take(headerEnd)]);
        int length = 0;
        foreach (string line in headers.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(line["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
            }
        }

        int total = headerEnd + 4 + length;
        while (buffer.Count < total)
        {
            int read = await stream.ReadAsync(chunk, _stopping.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            buffer.AddRange(chunk.AsSpan(0, read));
        }

        string body = Encoding.UTF8.GetString([.. buffer.Skip(headerEnd + 4).Take(length)]);
        buffer.RemoveRange(0, total);
        return body;
    }

    private static int IndexOfHeaderEnd(List<byte> buffer)
    {
        for (int i = 0; i + 3 < buffer.Count; i++)
        {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }
}
