import SluiceCore

/// The store and address of a file source or target whose `path` names objects.
struct RemoteObjects: Sendable {
    var store: any ObjectStore
    var location: ObjectLocation

    /// The store `path` names with the `storage` settings, or nil for a local path (which must
    /// then have no `storage` settings).
    static func from(path: String, storage: ObjectStorageConfig?, context: ComponentContext) throws -> RemoteObjects? {
        guard ObjectLocation.isObjectPath(path) else {
            if storage != nil { throw SpecError(path: "storage", "applies to object addresses (s3://, gs://, az://) only") }
            return nil
        }
        let location = try ObjectLocation(path)
        return RemoteObjects(store: try ObjectStores.make(location, config: storage, environment: context.cloudEnvironment), location: location)
    }
}
