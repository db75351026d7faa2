import SluiceConnectors
import SluiceCore
import SluiceEngine
import Testing

/// Each connector's declared config matches what its `Config` decodes: every example config
/// passes the declaration, decoding asks for no key that is not declared, and every declared
/// key (nested ones too) is asked for when some example config is decoded.
@Suite struct ConnectorDeclarationTests {
    /// A connector: its kind, name, declaration, and what its `Config` asks for in a config.
    struct Connector: Sendable, CustomTestStringConvertible {
        let kind: ComponentKind
        let name: String
        let declaration: ComponentDeclaration
        let requestedKeys: @Sendable (Value) -> [String: [String]]

        init<C: ConfiguredComponent>(_ kind: ComponentKind, _ name: String, _ component: C.Type) {
            self.kind = kind
            self.name = name
            declaration = C.declaration
            requestedKeys = { ValueDecoder().requestedKeys(C.Config.self, in: $0) }
        }

        var testDescription: String { "\(kind.rawValue) \(name)" }
    }

    static let connectors: [Connector] = [
        Connector(.source, FileSource.type, FileSource.self),
        Connector(.source, APISource.type, APISource.self),
        Connector(.source, SQLiteSource.type, SQLiteSource.self),
        Connector(.source, MySQLSource.type, MySQLSource.self),
        Connector(.source, PostgresSource.type, PostgresSource.self),
        Connector(.source, PostgresCDCSource.type, PostgresCDCSource.self),
        Connector(.source, SSESource.type, SSESource.self),
        Connector(.source, WebSocketSource.type, WebSocketSource.self),
        Connector(.source, RedisStreamSource.type, RedisStreamSource.self),
        Connector(.source, NATSJetStreamSource.type, NATSJetStreamSource.self),
        Connector(.target, FileTarget.type, FileTarget.self),
        Connector(.target, SQLiteTarget.type, SQLiteTarget.self),
        Connector(.target, MySQLTarget.type, MySQLTarget.self),
        Connector(.target, PostgresTarget.type, PostgresTarget.self),
        Connector(.target, HTTPTarget.type, HTTPTarget.self),
        Connector(.target, RedisStreamTarget.type, RedisStreamTarget.self),
        Connector(.target, NATSJetStreamTarget.type, NATSJetStreamTarget.self),
    ]

    /// Declared keys (dotted paths) that no example config reaches, with the reason; every
    /// other declared key must be. Decoding asks for every key of an object it opens, present
    /// or not, so a key is reached as soon as an example has its object (`tls`, `pool`).
    static let unexercised: [String: String] = Dictionary(
        uniqueKeysWithValues: ObjectStorageConfig.shapeFields.map { field in
            (
                "storage." + field.name,
                "the examples run without an object store; the S3, GCS, Azure and cloud file tests decode `storage` blocks against real servers"
            )
        })

    @Test func theListCoversEveryRegisteredConnector() {
        let registry = ComponentRegistry.builtIn
        let registered = registry.sourceTypes.map { "source \($0)" } + registry.targetTypes.map { "target \($0)" }
        #expect(Set(Self.connectors.map(\.testDescription)) == Set(registered))
        for connector in Self.connectors {
            #expect(registry.declaration(connector.kind, connector.name)?.summary == connector.declaration.summary, "\(connector.testDescription)")
        }
    }

    @Test(arguments: connectors)
    func declarationIsComplete(_ connector: Connector) {
        let declaration = connector.declaration
        #expect(!declaration.config.isOpen, "\(connector.testDescription) is undeclared")
        #expect(declaration.summary.count > 200, "\(connector.testDescription): the summary should say what it does and how")
        #expect(!declaration.examples.isEmpty)
        for field in Self.fields(of: declaration.config) {
            #expect(!field.field.summary.isEmpty, "\(connector.testDescription): \(field.path) has no summary")
            if case .integer(let range) = field.field.shape {
                #expect(range.min != Int.min && range.max != Int.max, "\(connector.testDescription): \(field.path) is an unbounded integer")
            }
        }
    }

    @Test(arguments: connectors)
    func exampleConfigsPassTheirDeclaration(_ connector: Connector) throws {
        for example in connector.declaration.examples {
            let config = try JSONParser.parse(example.config)
            let errors = ShapeValidator().errors(in: config, against: .object(connector.declaration.config))
            #expect(errors.isEmpty, "\(connector.testDescription): \(example.title): \(errors)")
        }
    }

    @Test(arguments: connectors)
    func decodingAsksOnlyForDeclaredKeysAndForEveryDeclaredKey(_ connector: Connector) throws {
        let declared = Self.fields(of: connector.declaration.config)
        let declaredPaths = Set(declared.map(\.path))
        var requested: Set<String> = []
        for example in connector.declaration.examples {
            let config = try JSONParser.parse(example.config)
            for (path, keys) in connector.requestedKeys(config) {
                for key in keys { requested.insert(path.isEmpty ? key : "\(path).\(key)") }
            }
        }
        // What the Config reads at the top level is declared (the ledger notes every key the
        // decoding asks for, present or not); nested objects are checked where examples have them.
        #expect(requested.subtracting(declaredPaths).sorted() == [], "\(connector.testDescription): read but not declared")
        let missing = declaredPaths.subtracting(requested).filter { Self.unexercised[$0] == nil }
        #expect(missing.sorted() == [], "\(connector.testDescription): declared but never read by decoding an example config")
    }

    /// Every declared key with its dotted path (`tls.mode`).
    static func fields(of shape: ObjectShape, prefix: String = "") -> [(path: String, field: FieldShape)] {
        var out: [(path: String, field: FieldShape)] = []
        for field in shape.fields {
            out.append((prefix + field.name, field))
            if case .object(let nested) = field.shape { out += fields(of: nested, prefix: prefix + field.name + ".") }
        }
        return out
    }
}
