using System.Globalization;
using System.Security.Cryptography;

namespace Descent.Cli.Data;

/// <summary>
/// Fetches dataset files from their mirrors, verified and atomic: each file streams into a temporary
/// file in the destination folder while its SHA-256 is computed, and only a file of the right size and
/// sum is renamed into place. A failed attempt (an HTTP error, a dropped or stalled connection, a wrong
/// size or sum) deletes its temporary file and moves on to the next mirror.
/// </summary>
/// <param name="http">The client; its own timeout should be infinite, stalls are caught by <paramref name="idleTimeout"/>.</param>
/// <param name="idleTimeout">How long a connection may deliver nothing before the attempt is abandoned.</param>
/// <param name="log">Receives one line per event, for people.</param>
internal sealed class DatasetDownloader(HttpClient http, TimeSpan idleTimeout, Action<string> log)
{
    private const int BufferSize = 1 << 16;

    /// <summary>Makes sure every file of the dataset is in the folder with the right checksum, downloading what is missing or wrong.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="directory">The destination folder; created if needed.</param>
    /// <param name="cancellationToken">Stops the download (no partial file is left behind).</param>
    /// <returns>The paths of the verified files.</returns>
    /// <exception cref="DownloadException">A file could not be fetched from any mirror; files fetched before it stay.</exception>
    public async Task<IReadOnlyList<string>> DownloadAsync(RemoteDataset dataset, string directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        Directory.CreateDirectory(directory);
        var paths = new List<string>();
        foreach (RemoteFile file in dataset.Files)
        {
            paths.Add(await DownloadFileAsync(dataset, file, directory, cancellationToken).ConfigureAwait(false));
        }

        return paths;
    }

    private static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
    }

    private static string Size(long bytes) => bytes >= 1 << 20
        ? (bytes / 1048576.0).ToString("0.0 'MiB'", CultureInfo.InvariantCulture)
        : (bytes / 1024.0).ToString("0.0 'KiB'", CultureInfo.InvariantCulture);

    private async Task<string> DownloadFileAsync(RemoteDataset dataset, RemoteFile file, string directory, CancellationToken cancellationToken)
    {
        string target = Path.Combine(directory, file.Name);
        if (File.Exists(target))
        {
            string existing = await Sha256Async(target, cancellationToken).ConfigureAwait(false);
            if (existing == file.Sha256)
            {
                log($"{file.Name}: already present, SHA-256 verified.");
                return target;
            }

            log($"{file.Name}: present but its SHA-256 is {existing}, not {file.Sha256}; downloading it again.");
        }

        var failures = new List<string>();
        foreach (Uri mirror in dataset.Mirrors)
        {
            var address = new Uri(mirror, file.Name);
            log($"{file.Name}: fetching {Size(file.Length)} from {address} …");
            string? failure = await TryDownloadAsync(address, file, target, cancellationToken).ConfigureAwait(false);
            if (failure is null)
            {
                log($"{file.Name}: done, SHA-256 verified.");
                return target;
            }

            log($"{file.Name}: {address} failed: {failure}");
            failures.Add($"  {address}: {failure}");
        }

        throw new DownloadException(
            $"Could not download {dataset.Title}'s {file.Name} from any of its {dataset.Mirrors.Count} mirror(s):{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
    }

    /// <returns>Null on success, else what went wrong.</returns>
    private async Task<string?> TryDownloadAsync(Uri address, RemoteFile file, string target, CancellationToken cancellationToken)
    {
        string temporary = Path.Combine(Path.GetDirectoryName(target)!, $".{file.Name}.{Guid.NewGuid():N}.partial");
        long received = 0;
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            idle.CancelAfter(idleTimeout);
            using var response = await http.GetAsync(address, HttpCompletionOption.ResponseHeadersRead, idle.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
            }

            if (response.Content.Headers.ContentLength is long announced && announced != file.Length)
            {
                return $"the server announced {announced} bytes; the file has {file.Length}";
            }

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
            await using (output.ConfigureAwait(false))
            {
                var body = await response.Content.ReadAsStreamAsync(idle.Token).ConfigureAwait(false);
                await using (body.ConfigureAwait(false))
                {
                    var buffer = new byte[BufferSize];
                    while (true)
                    {
                        idle.CancelAfter(idleTimeout);
                        int read = await body.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
                        if (read == 0)
                        {
                            break;
                        }

                        received += read;
                        if (received > file.Length)
                        {
                            return $"the server sent more than the file's {file.Length} bytes";
                        }

                        hash.AppendData(buffer, 0, read);
                        await output.WriteAsync(buffer.AsMemory(0, read), idle.Token).ConfigureAwait(false);
                    }
                }

                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                output.Flush(flushToDisk: true);
            }

            if (received != file.Length)
            {
                return $"the connection ended after {received} of {file.Length} bytes";
            }

            string actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (actual != file.Sha256)
            {
                return $"SHA-256 mismatch: expected {file.Sha256}, got {actual} (corrupt or altered file)";
            }

            File.Move(temporary, target, overwrite: true);
            return null;
        }
        // The idle timer cancels the request; depending on where the read was, that surfaces as a
        // cancellation or as an I/O or HTTP error wrapping it: all of them are the same stall.
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException
            && idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return $"no data for {idleTimeout.TotalSeconds:0.#} s after {received} of {file.Length} bytes (connection stalled)";
        }
        catch (HttpRequestException e)
        {
            return $"{e.Message} (after {received} of {file.Length} bytes)";
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            return $"{e.Message} (after {received} of {file.Length} bytes)";
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
