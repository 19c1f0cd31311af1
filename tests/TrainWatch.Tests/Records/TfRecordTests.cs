using System.Buffers.Binary;
using TrainWatch.Records;
using TrainWatch.Tests.Support;

namespace TrainWatch.Tests.Records;

public class TfRecordTests
{
    private static byte[] Frame(params byte[][] payloads)
    {
        var output = new MemoryStream();
        foreach (var payload in payloads)
        {
            var buffer = new byte[TfRecordFormat.FramedLength(payload.Length)];
            TfRecordFormat.Write(buffer, payload);
            output.Write(buffer);
        }

        return output.ToArray();
    }

    [Fact]
    public void Frame_is_length_crc_payload_crc_in_little_endian()
    {
        byte[] payload = [1, 2, 3, 4, 5];
        var framed = Frame(payload);

        Assert.Equal(8 + 4 + 5 + 4, framed.Length);
        Assert.Equal(5ul, BinaryPrimitives.ReadUInt64LittleEndian(framed));
        uint lengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(framed.AsSpan(8));
        Assert.Equal(Crc32C.Mask(ReferenceCrc32C.Compute(framed.AsSpan(0, 8))), lengthCrc);
        Assert.Equal(payload, framed.AsSpan(12, 5).ToArray());
        uint dataCrc = BinaryPrimitives.ReadUInt32LittleEndian(framed.AsSpan(17));
        Assert.Equal(Crc32C.Mask(ReferenceCrc32C.Compute(payload)), dataCrc);
    }

    [Fact]
    public void Reads_back_every_payload_then_end_of_data()
    {
        byte[][] payloads = [[], [42], Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray()];
        var reader = new TfRecordReader(new MemoryStream(Frame(payloads)));

        foreach (var expected in payloads)
        {
            Assert.Equal(RecordReadOutcome.Record, reader.ReadNext(out var payload));
            Assert.Equal(expected, payload.ToArray());
        }

        Assert.Equal(RecordReadOutcome.EndOfData, reader.ReadNext(out _));
    }

    [Fact]
    public void A_file_cut_at_every_offset_of_its_last_record_reads_all_earlier_records_and_reports_truncation()
    {
        byte[][] payloads = [[1, 1, 1], [2, 2, 2, 2, 2, 2], [3, 3, 3, 3, 3, 3, 3, 3, 3]];
        var whole = Frame(payloads);
        int lastStart = whole.Length - (int)TfRecordFormat.FramedLength(payloads[^1].Length);

        for (int cut = lastStart + 1; cut < whole.Length; cut++)
        {
            var reader = new TfRecordReader(new MemoryStream(whole, 0, cut));
            for (int i = 0; i < payloads.Length - 1; i++)
            {
                Assert.Equal(RecordReadOutcome.Record, reader.ReadNext(out var payload));
                Assert.Equal(payloads[i], payload.ToArray());
            }

            Assert.Equal(RecordReadOutcome.TruncatedTail, reader.ReadNext(out _));
            Assert.Equal(lastStart, reader.Offset);
            Assert.NotNull(reader.Problem);
        }
    }

    [Fact]
    public void A_truncated_tail_is_read_once_the_rest_arrives()
    {
        var whole = Frame([7, 7, 7], [8, 8]);
        var stream = new MemoryStream();
        stream.Write(whole, 0, whole.Length - 3);
        stream.Position = 0;
        var reader = new TfRecordReader(stream);

        Assert.Equal(RecordReadOutcome.Record, reader.ReadNext(out _));
        Assert.Equal(RecordReadOutcome.TruncatedTail, reader.ReadNext(out _));

        long position = stream.Position;
        stream.Seek(0, SeekOrigin.End);
        stream.Write(whole, whole.Length - 3, 3);
        stream.Position = position;

        Assert.Equal(RecordReadOutcome.Record, reader.ReadNext(out var payload));
        Assert.Equal(new byte[] { 8, 8 }, payload.ToArray());
        Assert.Equal(RecordReadOutcome.EndOfData, reader.ReadNext(out _));
    }

    [Theory]
    [InlineData(0, "length CRC mismatch")] // a length byte
    [InlineData(9, "length CRC mismatch")] // the length's CRC
    [InlineData(13, "data CRC mismatch")] // a payload byte
    [InlineData(16, "data CRC mismatch")] // the payload's CRC
    public void A_flipped_bit_is_reported_as_corruption_at_the_record_offset(int byteInSecondRecord, string problem)
    {
        var whole = Frame([1, 2, 3], [4, 5, 6, 7], [8]);
        int second = (int)TfRecordFormat.FramedLength(3);
        whole[second + byteInSecondRecord] ^= 0x10;
        var reader = new TfRecordReader(new MemoryStream(whole));

        Assert.Equal(RecordReadOutcome.Record, reader.ReadNext(out _));
        var outcome = reader.ReadNext(out _);

        // A damaged length can also look like a record running past the end; both stop before any damaged data.
        Assert.Equal(RecordReadOutcome.Corrupt, outcome);
        Assert.Equal(second, reader.Offset);
        Assert.Equal(problem, reader.Problem);
    }

    [Fact]
    public void An_absurd_length_with_a_valid_crc_is_corruption_not_an_allocation()
    {
        var header = new byte[TfRecordFormat.HeaderSize];
        TfRecordFormat.WriteHeader(header, ulong.MaxValue / 2);
        var reader = new TfRecordReader(new NonSeekableStream(header));

        Assert.Equal(RecordReadOutcome.Corrupt, reader.ReadNext(out _));
    }

    [Fact]
    public void A_pipe_whose_record_claims_a_gigabyte_but_ends_early_costs_no_gigabyte()
    {
        var header = new byte[TfRecordFormat.HeaderSize];
        TfRecordFormat.WriteHeader(header, TfRecordReader.MaxPayloadLength);
        var reader = new TfRecordReader(new NonSeekableStream([.. header, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));

        long before = GC.GetAllocatedBytesForCurrentThread();
        var outcome = reader.ReadNext(out _);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(RecordReadOutcome.TruncatedTail, outcome);
        Assert.True(allocated < 1 << 20, $"{allocated} bytes allocated for 10 bytes of data");
    }

    [Fact]
    public void A_large_record_read_from_a_pipe_arrives_whole()
    {
        var payload = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray();
        var framed = new byte[TfRecordFormat.FramedLength(payload.Length)];
        TfRecordFormat.WriteHeader(framed, (ulong)payload.Length);
        payload.CopyTo(framed.AsSpan(TfRecordFormat.HeaderSize));
        TfRecordFormat.WriteFooter(framed.AsSpan(TfRecordFormat.HeaderSize + payload.Length), payload);
        var reader = new TfRecordReader(new NonSeekableStream(framed));

        Assert.Equal(RecordReadOutcome.Record, reader.ReadNext(out var read));
        Assert.Equal(payload, read.ToArray());
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
