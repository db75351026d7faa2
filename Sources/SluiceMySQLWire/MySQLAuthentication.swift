import Crypto
import Foundation
import _CryptoExtras

/// The password proofs of the authentication plugins this client speaks.
enum MySQLAuthentication {
    static let nativePassword = "mysql_native_password"
    static let cachingSHA2Password = "caching_sha2_password"
    static let clearPassword = "mysql_clear_password"

    /// The first response for `plugin`; `nil` when the plugin is not supported.
    static func response(plugin: String, password: String, nonce: [UInt8], overTLS: Bool) -> [UInt8]? {
        switch plugin {
        case nativePassword: return nativePasswordScramble(password: password, nonce: nonce)
        case cachingSHA2Password: return cachingSHA2Scramble(password: password, nonce: nonce)
        case clearPassword: return overTLS ? Array(password.utf8) + [0] : nil
        default: return nil
        }
    }

    /// `mysql_native_password`: SHA1(password) XOR SHA1(nonce + SHA1(SHA1(password))); empty
    /// for an empty password.
    static func nativePasswordScramble(password: String, nonce: [UInt8]) -> [UInt8] {
        guard !password.isEmpty else { return [] }
        let stage1 = Array(Insecure.SHA1.hash(data: Array(password.utf8)))
        let stage2 = Array(Insecure.SHA1.hash(data: stage1))
        var hasher = Insecure.SHA1()
        hasher.update(data: nonce)
        hasher.update(data: stage2)
        let mask = Array(hasher.finalize())
        return zip(stage1, mask).map { $0 ^ $1 }
    }

    /// `caching_sha2_password`: SHA256(password) XOR SHA256(SHA256(SHA256(password)) + nonce);
    /// empty for an empty password.
    static func cachingSHA2Scramble(password: String, nonce: [UInt8]) -> [UInt8] {
        guard !password.isEmpty else { return [] }
        let stage1 = Array(SHA256.hash(data: Array(password.utf8)))
        let stage2 = Array(SHA256.hash(data: stage1))
        var hasher = SHA256()
        hasher.update(data: stage2)
        hasher.update(data: nonce)
        let mask = Array(hasher.finalize())
        return zip(stage1, mask).map { $0 ^ $1 }
    }

    /// The password for `caching_sha2_password` full authentication without TLS: the
    /// NUL-terminated password XORed with the nonce (repeated), encrypted with the server's
    /// RSA public key (PEM) using OAEP padding with SHA-1.
    static func rsaEncryptedPassword(_ password: String, nonce: [UInt8], publicKeyPEM: String) throws(MySQLError) -> [UInt8] {
        let plain = xorWithNonce(Array(password.utf8) + [0], nonce: nonce)
        do {
            let key = try _RSA.Encryption.PublicKey(unsafePEMRepresentation: publicKeyPEM)
            return Array(try key.encrypt(plain, padding: .PKCS1_OAEP))
        } catch {
            throw .authentication("could not encrypt the password with the server's RSA public key: \(error)")
        }
    }

    /// `bytes` XOR the nonce repeated to the same length.
    static func xorWithNonce(_ bytes: [UInt8], nonce: [UInt8]) -> [UInt8] {
        guard !nonce.isEmpty else { return bytes }
        return bytes.enumerated().map { $0.element ^ nonce[$0.offset % nonce.count] }
    }
}
