"""The payload's encryption and the envelope's signature, as the profile says.

SM4 (GB/T 32907-2016) in CBC mode with PKCS#7 padding (PKCS#5 as the documents call it for a
16-byte block) comes from `cryptography`, never from code of ours. The IV is the issued salt
(`encryption.iv: salt`) or a fresh random one written before the ciphertext (`random`).
The signature is an HMAC under the app secret over the envelope fields the profile lists, joined
in order: HMAC-SHA256 (the shipped profile's assumption) or HMAC-SM3 (GB/T 32905-2016, through
`cryptography`'s SM3 where its OpenSSL has it)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 16


class CryptoError(ValueError):
    """A key, IV or ciphertext that cannot be used."""


def _key16(hex_text: str, what: str) -> bytes:
    try:
        raw = bytes.fromhex(hex_text.strip())
    except ValueError:
        raise CryptoError(f"the {what} is not hexadecimal") from None
    if len(raw) != BLOCK:
        raise CryptoError(f"the {what} must be 16 bytes (32 hex digits), got {len(raw)}")
    return raw


def sm4_block(key: bytes, block: bytes, decrypt: bool = False) -> bytes:
    """One SM4 block (ECB): the published test vectors are given so."""
    cipher = Cipher(algorithms.SM4(key), modes.ECB())  # noqa: S305 - one block, the vectors' own mode
    op = cipher.decryptor() if decrypt else cipher.encryptor()
    return op.update(block) + op.finalize()


def sm3(data: bytes) -> bytes:
    """The SM3 digest (GB/T 32905-2016)."""
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize()


def sm4_cbc_encrypt(key: bytes, iv: bytes, plain: bytes) -> bytes:
    padder = padding.PKCS7(128).padder()
    data = padder.update(plain) + padder.finalize()
    enc = Cipher(algorithms.SM4(key), modes.CBC(iv)).encryptor()
    return enc.update(data) + enc.finalize()


def sm4_cbc_decrypt(key: bytes, iv: bytes, cipher_text: bytes) -> bytes:
    if not cipher_text or len(cipher_text) % BLOCK:
        raise CryptoError("the ciphertext is not a whole number of blocks")
    dec = Cipher(algorithms.SM4(key), modes.CBC(iv)).decryptor()
    data = dec.update(cipher_text) + dec.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(data) + unpadder.finalize()
    except ValueError:
        raise CryptoError("bad padding (wrong key or IV?)") from None


class Sealer:
    """Encrypts payloads and signs envelopes with one set of credentials (profile's algorithms)."""

    def __init__(
        self, algorithm: str, iv_mode: str, key_hex: str, salt_hex: str, sign_algorithm: str, secret: str
    ):
        self.algorithm = algorithm
        self.iv_mode = iv_mode
        self.sign_algorithm = sign_algorithm
        self.secret = secret.encode("utf-8")
        if algorithm != "none":
            self.key = _key16(key_hex, "SM4 key")
            self.salt = _key16(salt_hex, "SM4 salt") if iv_mode == "salt" else b""

    def seal(self, plain: bytes) -> str:
        """The payload as the platform takes it: base64 of the ciphertext (IV first when random)."""
        if self.algorithm == "none":
            return plain.decode("utf-8")
        if self.iv_mode == "salt":
            return base64.b64encode(sm4_cbc_encrypt(self.key, self.salt, plain)).decode("ascii")
        iv = os.urandom(BLOCK)
        return base64.b64encode(iv + sm4_cbc_encrypt(self.key, iv, plain)).decode("ascii")

    def open(self, sealed: str) -> bytes:
        """The inverse of `seal` (the test platform's side)."""
        if self.algorithm == "none":
            return sealed.encode("utf-8")
        try:
            raw = base64.b64decode(sealed, validate=True)
        except ValueError:
            raise CryptoError("the payload is not base64") from None
        if self.iv_mode == "salt":
            return sm4_cbc_decrypt(self.key, self.salt, raw)
        return sm4_cbc_decrypt(self.key, raw[:BLOCK], raw[BLOCK:])

    def sign(self, parts: list[str]) -> str:
        if self.sign_algorithm == "none":
            return ""
        text = "".join(parts).encode("utf-8")
        if self.sign_algorithm == "HMAC-SM3":
            mac = crypto_hmac.HMAC(self.secret, hashes.SM3())
            mac.update(text)
            return mac.finalize().hex()
        return hmac.new(self.secret, text, hashlib.sha256).hexdigest()

    def verify(self, parts: list[str], signature: str) -> bool:
        return hmac.compare_digest(self.sign(parts), signature)
