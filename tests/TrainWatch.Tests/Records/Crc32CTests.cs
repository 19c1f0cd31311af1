using System.Text;
using TrainWatch.Records;
using TrainWatch.Tests.Support;

namespace TrainWatch.Tests.Records;

public class Crc32CTests
{
    // Published CRC32C check values: the "123456789" check value of the Castagnoli CRC, and the vectors of
    // RFC 3720 (iSCSI), appendix B.4.
    [Fact]
    public void Matches_the_standard_check_value() =>
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void Matches_RFC3720_vectors()
    {
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0x46DD794Eu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
        Assert.Equal(0x113FDB5Cu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray()));

        byte[] iscsiRead =
        [
            0x01, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
            0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        ];
        Assert.Equal(0xD9963A56u, Crc32C.Compute(iscsiRead));
    }

    [Fact]
    public void Empty_input_has_crc_zero() => Assert.Equal(0u, Crc32C.Compute([]));

    [Fact]
    public void Agrees_with_a_bitwise_reference_at_every_length_and_alignment()
    {
        var random = new Random(7);
        var data = new byte[300];
        random.NextBytes(data);
        for (int start = 0; start < 9; start++)
        {
            for (int length = 0; length + start <= data.Length; length += 7)
            {
                var span = data.AsSpan(start, length);
                Assert.Equal(ReferenceCrc32C.Compute(span), Crc32C.Compute(span));
            }
        }
    }

    [Fact]
    public void Append_continues_a_crc()
    {
        var data = Encoding.ASCII.GetBytes("123456789");
        Assert.Equal(Crc32C.Compute(data), Crc32C.Append(Crc32C.Compute(data.AsSpan(0, 4)), data.AsSpan(4)));
    }

    [Fact]
    public void Mask_rotates_right_15_and_adds_the_constant()
    {
        uint crc = 0xE3069283;
        uint expected = unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u);
        Assert.Equal(expected, Crc32C.Mask(crc));
        Assert.Equal(0xa282ead8u, Crc32C.Mask(0));
        Assert.NotEqual(crc, Crc32C.Mask(crc));
    }
}
