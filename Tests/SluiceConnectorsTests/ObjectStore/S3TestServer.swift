import SluiceCore
import SluiceTestSupport

@testable import SluiceConnectors

extension S3TestServer {
    /// Storage settings for the server (moto takes any key).
    static func storage(partSizeMiB: Int = 5, parallelism: Int = 3) throws -> ObjectStorageConfig {
        var config = ObjectStorageConfig()
        config.endpoint = try endpoint()
        config.accessKeyId = "test"
        config.secretAccessKey = "test"
        config.partSizeMiB = partSizeMiB
        config.parallelism = parallelism
        config.retries = 1
        config.retryBackoffSeconds = 0.01
        return config
    }

    /// The store of `bucket`.
    static func store(_ bucket: String, partSizeMiB: Int = 5) throws -> S3Store {
        try S3Store(bucket: bucket, config: storage(partSizeMiB: partSizeMiB), environment: [:])
    }
}
