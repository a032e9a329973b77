using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EdgeSync.Benchmarks;

/// <summary>
/// One kept-alive HTTP/1.1 connection on a blocking socket, for the load generator. On two cores the
/// generator competes with the agents it measures: HttpClient's asynchronous path costs it several
/// thread hand-offs and ~KBs of garbage per request, and its own collections delay the sends it times.
/// Here a request is one <c>send</c> from the calling thread and its answer one blocking read on the
/// thread that waits for it. Only what the benchmark needs: requests it writes itself, answers with a
/// <c>Content-Length</c> or chunked body.
/// </summary>
public sealed class LeanHttpConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    /// <param name="port">The agent's API port on 127.0.0.1.</param>
    /// <param name="receiveTimeout">How long a read may wait before it fails (the default: for ever).</param>
    public LeanHttpConnection(int port, TimeSpan? receiveTimeout = null)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveTimeout is { } timeout)
            _socket.ReceiveTimeout = (int)timeout.TotalMilliseconds;
        _socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
    }

    /// <summary>A request's bytes: <paramref name="body"/> is UTF-8 JSON, or null for none.</summary>
    public static byte[] Request(string method, string path, string? body)
    {
        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        var head = Encoding.ASCII.GetBytes(
            $"{method} /{path} HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
            (body is null ? "" : $"Content-Type: application/json\r\nContent-Length: {bytes.Length}\r\n") + "\r\n");
        return [.. head, .. bytes];
    }

    /// <summary>Writes a whole request (several may be in flight: HTTP/1.1 answers them in order).</summary>
    public void Send(ReadOnlySpan<byte> request)
    {
        while (!request.IsEmpty)
            request = request[_socket.Send(request)..];
    }

    /// <summary>Blocks for the next answer, skips its body, and returns its status code.</summary>
    public int ReadResponse()
    {
        var head = ReadHead();
        ReadBody(head, _ => true);
        return head.Status;
    }

    /// <summary>Blocks for the next answer's status line and headers.</summary>
    public ResponseHead ReadHead()
    {
        var status = ParseStatus(ReadLine());
        long length = 0;
        var chunked = false;
        while (ReadLine() is { Length: > 0 } header)
        {
            if (header.StartsWith("Content-Length:"u8))
                length = long.Parse(Encoding.ASCII.GetString(header[15..]).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            else if (header.StartsWith("Transfer-Encoding:"u8) && header.IndexOf("chunked"u8) >= 0)
                chunked = true;
        }

        return new ResponseHead(status, length, chunked);
    }

    /// <summary>
    /// Reads the body <paramref name="head"/> announced, handing it to <paramref name="onBody"/> piece by
    /// piece until that returns false (then the connection is left mid-body: dispose it). False if stopped.
    /// </summary>
    public bool ReadBody(ResponseHead head, Func<ReadOnlySpan<byte>, bool> onBody)
    {
        if (!head.Chunked)
            return ReadBytes(head.Length, onBody);

        while (ParseHex(ReadLine()) is var size and > 0)
        {
            if (!ReadBytes(size, onBody))
                return false;
            ReadLine();
        }

        ReadLine(); // the empty line after the last chunk (no trailers here)
        return true;
    }

    public void Dispose() => _socket.Dispose();

    private bool ReadBytes(long length, Func<ReadOnlySpan<byte>, bool> onBody)
    {
        while (length > 0)
        {
            if (_start == _end)
                Fill();
            var take = (int)Math.Min(length, _end - _start);
            var more = onBody(_buffer.AsSpan(_start, take));
            _start += take;
            length -= take;
            if (!more)
                return false;
        }

        return true;
    }

    /// <summary>The next line without its CRLF; valid until the next read.</summary>
    private ReadOnlySpan<byte> ReadLine()
    {
        while (true)
        {
            var at = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (at >= 0)
            {
                var line = _buffer.AsSpan(_start, at);
                _start += at + 2;
                return line;
            }

            Fill();
        }
    }

    private void Fill()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
            throw new InvalidDataException("an HTTP line longer than the read buffer");
        var read = _socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
        if (read == 0)
            throw new IOException("the agent closed the connection");
        _end += read;
    }

    private static int ParseStatus(ReadOnlySpan<byte> line) =>
        line.Length >= 12 && line.StartsWith("HTTP/1.1 "u8) && Utf8Parser.TryParse(line[9..12], out int status, out _)
            ? status
            : throw new InvalidDataException($"not an HTTP/1.1 status line: {Encoding.ASCII.GetString(line)}");

    private static long ParseHex(ReadOnlySpan<byte> line)
    {
        var end = line.IndexOf((byte)';');
        return Utf8Parser.TryParse(end >= 0 ? line[..end] : line, out long size, out _, 'X')
            ? size
            : throw new InvalidDataException($"not a chunk size: {Encoding.ASCII.GetString(line)}");
    }
}
