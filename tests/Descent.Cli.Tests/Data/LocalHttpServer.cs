using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Descent.Cli.Tests.Data;

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 (an ephemeral port) for download tests. The first path segment
/// chooses the behaviour for the file named by the rest: <c>good</c> serves it, <c>corrupt</c> serves it
/// with one byte changed, <c>drop</c> announces its full length and closes the connection halfway,
/// <c>stall</c> sends half and then goes silent, <c>missing</c> answers 404. It stops itself after a
/// minute at the latest, and on dispose.
/// </summary>
internal sealed class LocalHttpServer : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, byte[]> _files;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromMinutes(1));
    private readonly Task _loop;

    public LocalHttpServer(IReadOnlyDictionary<string, byte[]> files)
    {
        _files = files;
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = Task.Run(AcceptAsync);
    }

    public Uri BaseAddress { get; }

    /// <summary>Every request path served, in arrival order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public Uri Mirror(string behaviour) => new(BaseAddress, behaviour + "/");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                NetworkStream stream = client.GetStream();
                string? path = await ReadRequestPathAsync(stream);
                if (path is null)
                {
                    return;
                }

                Requests.Enqueue(path);
                string[] parts = path.TrimStart('/').Split('/', 2);
                if (parts.Length != 2 || parts[0] == "missing" || !_files.TryGetValue(parts[1], out byte[]? body))
                {
                    await WriteHeadAsync(stream, "404 Not Found", 0);
                    return;
                }

                switch (parts[0])
                {
                    case "good":
                        await WriteHeadAsync(stream, "200 OK", body.Length);
                        await stream.WriteAsync(body, _stop.Token);
                        break;
                    case "corrupt":
                        byte[] changed = (byte[])body.Clone();
                        changed[changed.Length / 2] ^= 0x5A;
                        await WriteHeadAsync(stream, "200 OK", changed.Length);
                        await stream.WriteAsync(changed, _stop.Token);
                        break;
                    case "drop":
                        await WriteHeadAsync(stream, "200 OK", body.Length);
                        await stream.WriteAsync(body.AsMemory(0, body.Length / 2), _stop.Token);
                        await stream.FlushAsync(_stop.Token);
                        client.Client.Close();
                        break;
                    case "stall":
                        await WriteHeadAsync(stream, "200 OK", body.Length);
                        await stream.WriteAsync(body.AsMemory(0, body.Length / 2), _stop.Token);
                        await stream.FlushAsync(_stop.Token);
                        await Task.Delay(Timeout.Infinite, _stop.Token);
                        break;
                    default:
                        await WriteHeadAsync(stream, "404 Not Found", 0);
                        break;
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client hung up or the server is stopping: nothing to serve.
            }
        }
    }

    private async Task<string?> ReadRequestPathAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var buffer = new byte[1024];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            int read = await stream.ReadAsync(buffer, _stop.Token);
            if (read == 0 || head.Length > 16 * 1024)
            {
                return null;
            }

            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        string[] requestLine = head.ToString().Split("\r\n")[0].Split(' ');
        return requestLine.Length == 3 && requestLine[0] == "GET" ? requestLine[1] : null;
    }

    private async Task WriteHeadAsync(NetworkStream stream, string status, long length)
    {
        byte[] head = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status}\r\nContent-Type: application/octet-stream\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(head, _stop.Token);
    }
}
