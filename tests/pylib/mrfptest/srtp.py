#!/usr/bin/python3
"""A small SRTP (RFC 3711) for the tests and benchmarks that must see what mrfpd sends:
AES_CM_128_HMAC_SHA1_80 only, with or without MKI, on python3-cryptography (OpenSSL).

It is an independent implementation (not libsrtp2, not mrfpd's burst engine): a packet that
authenticates here was protected under exactly the key we think it was. Used by
tests/e2e/grekey_churn.py (the participants) and bench/bench_grekey.py (the capture check).
`python3 tests/pylib/mrfptest/srtp.py selftest` checks the RFC 3711 B.2/B.3 known answers and
a round trip (tests/e2e/grekey_churn.sh runs it first)."""
import hashlib, hmac, struct, sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

TAG = 10  # HMAC-SHA1-80


def _aes_cm(key, iv16, n):
    enc = Cipher(algorithms.AES(key), modes.CTR(iv16)).encryptor()
    return enc.update(b"\0" * n) + enc.finalize()


def derive(master_key, master_salt):
    """RFC 3711 4.3 with key_derivation_rate 0: (cipher key, auth key, session salt)."""
    salt = int.from_bytes(master_salt, "big")

    def kdf(label, n):
        x = salt ^ (label << 48)
        return _aes_cm(master_key, (x << 16).to_bytes(16, "big"), n)
    return kdf(0, 16), kdf(1, 20), kdf(2, 14)


class Key:
    """One master key (+ salt) and its MKI (bytes, may be empty)."""

    def __init__(self, key_salt30, mki=b""):
        assert len(key_salt30) == 30
        self.ke, self.ka, self.ks = derive(key_salt30[:16], key_salt30[16:])
        self.mki = mki

    def _iv(self, ssrc, index):
        s = int.from_bytes(self.ks, "big") << 16
        return (s ^ (ssrc << 64) ^ (index << 16)).to_bytes(16, "big")

    def tag(self, authed, roc):
        return hmac.new(self.ka, authed + struct.pack("!I", roc), hashlib.sha1).digest()[:TAG]

    def protect(self, rtp, roc=0):
        """rtp: a 12-byte header (no CSRC, no extension) + payload."""
        seq, ssrc = struct.unpack("!H", rtp[2:4])[0], struct.unpack("!I", rtp[8:12])[0]
        ks = _aes_cm(self.ke, self._iv(ssrc, (roc << 16) | seq), len(rtp) - 12)
        body = rtp[:12] + bytes(a ^ b for a, b in zip(rtp[12:], ks))
        return body + self.mki + self.tag(body, roc)

    def unprotect(self, pkt, roc):
        """The plain RTP packet, or None when the tag does not authenticate."""
        ml = len(self.mki)
        if len(pkt) < 12 + ml + TAG:
            return None
        body = pkt[:len(pkt) - TAG - ml]
        if not hmac.compare_digest(self.tag(body, roc), pkt[-TAG:]):
            return None
        seq, ssrc = struct.unpack("!H", body[2:4])[0], struct.unpack("!I", body[8:12])[0]
        hl = 12 + 4 * (body[0] & 0x0F)
        ks = _aes_cm(self.ke, self._iv(ssrc, (roc << 16) | seq), len(body) - hl)
        return body[:hl] + bytes(a ^ b for a, b in zip(body[hl:], ks))


class RocTracker:
    """RFC 3711 3.3.1 index estimation for one SSRC (receiver side)."""

    def __init__(self):
        self.s_l, self.roc = None, 0

    def guess(self, seq):
        if self.s_l is None:
            return 0
        if self.s_l < 32768:
            return self.roc - 1 if seq - self.s_l > 32768 and self.roc > 0 else self.roc
        return self.roc + 1 if self.s_l - 32768 > seq else self.roc

    def update(self, seq, v):
        if self.s_l is None or v > self.roc or (v == self.roc and seq > self.s_l):
            self.s_l, self.roc = seq, v


def mki_of(pkt, mki_len):
    return pkt[len(pkt) - TAG - mki_len:len(pkt) - TAG] if mki_len else b""


def selftest():
    # RFC 3711 B.3 key derivation
    mk = bytes.fromhex("E1F97A0D3E018BE0D64FA32C06DE4139")
    ms = bytes.fromhex("0EC675AD498AFEEBB6960B3AABE6")
    ke, ka, ks = derive(mk, ms)
    assert ke.hex().upper() == "C61E7A93744F39EE10734AFE3FF7A087", ke.hex()
    assert ks.hex().upper() == "30CBBC08863D8C85D49DB34A9AE1", ks.hex()
    assert ka.hex().upper() == "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4", ka.hex()
    # RFC 3711 B.2 AES-CM keystream
    s = _aes_cm(bytes.fromhex("2B7E151628AED2A6ABF7158809CF4F3C"),
                bytes.fromhex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"), 32)
    assert s.hex().upper() == "E03EAD0935C95E80E166B16DD92B4EB4D23513162B02D0F72A43A2FE4A5F97AB"
    k = Key(bytes(range(30)), b"\x00\x07")
    rtp = bytes([0x80, 0, 0x12, 0x34]) + b"\0\0\0\x10" + b"\xde\xad\xbe\xef" + b"x" * 160
    p = k.protect(rtp, 3)
    assert mki_of(p, 2) == b"\x00\x07" and k.unprotect(p, 3) == rtp and k.unprotect(p, 2) is None
    assert Key(bytes(range(1, 31)), b"\x00\x07").unprotect(p, 3) is None
    print("srtp: selftest ok")
    return 0


if __name__ == "__main__":
    sys.exit(selftest() if sys.argv[1:] == ["selftest"] else 2)
