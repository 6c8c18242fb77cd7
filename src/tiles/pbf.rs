//! The handful of protobuf wire-format primitives a vector tile needs (varints, length-delimited
//! fields, packed repeated uint32, fixed32/64). Written by hand: the message set is tiny and a
//! generic protobuf runtime would add allocations on the hot path.

pub(crate) const WIRE_VARINT: u32 = 0;
pub(crate) const WIRE_FIXED64: u32 = 1;
pub(crate) const WIRE_LEN: u32 = 2;
pub(crate) const WIRE_FIXED32: u32 = 5;

#[inline]
pub(crate) fn put_varint(buf: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        buf.push((v as u8) | 0x80);
        v >>= 7;
    }
    buf.push(v as u8);
}

#[inline]
pub(crate) fn varint_len(v: u64) -> usize {
    // 1 byte per started group of 7 bits; 0 still takes one byte.
    (64 - (v | 1).leading_zeros() as usize).div_ceil(7)
}

#[inline]
pub(crate) fn put_key(buf: &mut Vec<u8>, field: u32, wire: u32) {
    put_varint(buf, ((field << 3) | wire) as u64);
}

pub(crate) fn key_len(field: u32) -> usize {
    varint_len((field << 3) as u64)
}

pub(crate) fn put_bytes(buf: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    put_key(buf, field, WIRE_LEN);
    put_varint(buf, bytes.len() as u64);
    buf.extend_from_slice(bytes);
}

/// Byte length of the payload of a packed repeated uint32 field.
pub(crate) fn packed_len(values: &[u32]) -> usize {
    values.iter().map(|&v| varint_len(v as u64)).sum()
}

/// Writes a packed repeated uint32 field whose payload length is already known.
pub(crate) fn put_packed(buf: &mut Vec<u8>, field: u32, values: &[u32], payload_len: usize) {
    put_key(buf, field, WIRE_LEN);
    put_varint(buf, payload_len as u64);
    for &v in values {
        put_varint(buf, v as u64);
    }
}

/// ZigZag maps small negative numbers to small unsigned ones (0,-1,1,-2 → 0,1,2,3).
#[inline]
pub(crate) fn zigzag32(n: i32) -> u32 {
    ((n << 1) ^ (n >> 31)) as u32
}

#[inline]
pub(crate) fn zigzag64(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_match_the_protobuf_docs() {
        // 150 → 96 01 and 300 → ac 02 are the worked examples of the protobuf encoding guide.
        let mut b = Vec::new();
        put_varint(&mut b, 150);
        assert_eq!(b, [0x96, 0x01]);
        b.clear();
        put_varint(&mut b, 300);
        assert_eq!(b, [0xac, 0x02]);
        b.clear();
        put_varint(&mut b, u64::MAX);
        assert_eq!(b.len(), 10);
        for v in [0u64, 1, 127, 128, 16383, 16384, u32::MAX as u64, u64::MAX] {
            let mut b = Vec::new();
            put_varint(&mut b, v);
            assert_eq!(varint_len(v), b.len(), "{v}");
        }
    }

    #[test]
    fn zigzag_examples() {
        assert_eq!([0, -1, 1, -2, 2].map(zigzag32), [0, 1, 2, 3, 4]);
        assert_eq!(zigzag32(i32::MIN), u32::MAX);
        assert_eq!(zigzag64(-3), 5);
        assert_eq!(zigzag64(i64::MAX), u64::MAX - 1);
    }
}
