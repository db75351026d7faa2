import SluiceCore

/// Makes the store an object address names, from the `storage` settings and the server's
/// cloud variables.
enum ObjectStores {
    /// The store holding `location`'s objects; throws a ``SpecError`` for unusable settings
    /// (a bad endpoint, missing credentials).
    static func make(_ location: ObjectLocation, config: ObjectStorageConfig?, environment: [String: String]) throws(SpecError) -> any ObjectStore {
        let config = config ?? ObjectStorageConfig()
        switch location.provider {
        case .s3:
            return try S3Store(bucket: location.bucket, config: config, environment: environment)
        case .gcs:
            return try GCSStore(bucket: location.bucket, config: config, environment: environment)
        case .azure:
            return try AzureBlobStore(container: location.bucket, account: location.account, config: config, environment: environment)
        }
    }
}
