import COpenSSL
import Glibc
import Linux

/// A byte pipe to an HTTP server: plain TCP or TLS over it.
protocol HTTPTransport: AnyObject {
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ImageError) -> Int
    func write(_ bytes: [UInt8]) throws(ImageError)
    func close()
}

final class PlainTransport: HTTPTransport {
    let fd: FileDescriptor
    let host: String
    init(fd: FileDescriptor, host: String) {
        self.fd = fd
        self.host = host
    }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ImageError) -> Int {
        do { return try fd.read(into: buffer) } catch { throw transportError(error, host: host) }
    }
    func write(_ bytes: [UInt8]) throws(ImageError) {
        do { try fd.writeAll(bytes) } catch { throw transportError(error, host: host) }
    }
    func close() { fd.closeQuietly() }
}

func transportError(_ error: Errno, host: String) -> ImageError {
    error.code == EAGAIN || error.code == ETIMEDOUT ? .timeout(host: host) : .network(host: host, reason: "\(error)")
}

/// TLS client with peer and host-name verification. CA bundle: SSL_CERT_FILE, else Debian's bundle.
final class TLSTransport: HTTPTransport {
    private let fd: FileDescriptor
    private let host: String
    private let context: OpaquePointer
    private let ssl: OpaquePointer

    init(fd: FileDescriptor, host: String, environment: [String: String]) throws(ImageError) {
        self.fd = fd
        self.host = host
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw .network(host: host, reason: "cannot create TLS context") }
        self.context = context
        let bundle = environment["SSL_CERT_FILE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"].first(where: FileSystem.exists)
        if let bundle { SSL_CTX_load_verify_locations(context, bundle, nil) } else { SSL_CTX_set_default_verify_paths(context) }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        guard let ssl = SSL_new(context) else {
            SSL_CTX_free(context)
            throw .network(host: host, reason: "cannot create TLS session")
        }
        self.ssl = ssl
        SSL_set_fd(ssl, fd.rawValue)
        copenssl_set_sni(ssl, host)
        SSL_set1_host(ssl, host)
        if SSL_connect(ssl) != 1 {
            let verify = SSL_get_verify_result(ssl)
            let reason = verify != X509_V_OK
                ? "certificate verification failed: " + String(cString: X509_verify_cert_error_string(verify))
                : "TLS handshake failed: " + Self.lastError()
            SSL_free(ssl)
            SSL_CTX_free(context)
            throw .network(host: host, reason: reason)
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ImageError) -> Int {
        let count = SSL_read(ssl, buffer.baseAddress, Int32(min(buffer.count, Int(Int32.max))))
        if count > 0 { return Int(count) }
        let code = SSL_get_error(ssl, count)
        if code == SSL_ERROR_ZERO_RETURN { return 0 }
        if code == SSL_ERROR_SYSCALL && (errno == EAGAIN || errno == ETIMEDOUT) { throw .timeout(host: host) }
        if code == SSL_ERROR_SYSCALL && errno == 0 { return 0 }
        throw .network(host: host, reason: "TLS read: " + Self.lastError())
    }

    func write(_ bytes: [UInt8]) throws(ImageError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { SSL_write(ssl, $0.baseAddress! + offset, Int32(bytes.count - offset)) }
            guard written > 0 else { throw .network(host: host, reason: "TLS write: " + Self.lastError()) }
            offset += Int(written)
        }
    }

    func close() {
        SSL_shutdown(ssl)
        SSL_free(ssl)
        SSL_CTX_free(context)
        fd.closeQuietly()
    }

    private static func lastError() -> String {
        let code = ERR_get_error()
        guard code != 0 else { return "connection closed" }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
