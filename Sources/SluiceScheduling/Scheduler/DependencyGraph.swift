/// Checks on the `dependsOn` graph of schedules.
enum DependencyGraph {
    /// A dependency cycle in `dependencies` (schedule id → ids it depends on), as the path
    /// around it with the first id repeated at the end (`["a", "b", "a"]`), or `nil` when
    /// there is none. Ids that are not keys are treated as having no dependencies. The
    /// search visits ids in sorted order, so the same graph always reports the same cycle.
    static func cycle(in dependencies: [String: [String]]) -> [String]? {
        enum Mark { case visiting, done }
        var marks: [String: Mark] = [:]
        var path: [String] = []

        func visit(_ id: String) -> [String]? {
            switch marks[id] {
            case .done: return nil
            case .visiting:
                guard let start = path.firstIndex(of: id) else { return nil }
                return Array(path[start...]) + [id]
            case nil: break
            }
            marks[id] = .visiting
            path.append(id)
            for next in dependencies[id, default: []].sorted() {
                if let found = visit(next) { return found }
            }
            path.removeLast()
            marks[id] = .done
            return nil
        }

        for id in dependencies.keys.sorted() {
            if let found = visit(id) { return found }
        }
        return nil
    }

    /// The first dependency in `dependencies` that is not a key, as (schedule, dependency).
    static func missing(in dependencies: [String: [String]]) -> (scheduleId: String, dependency: String)? {
        for id in dependencies.keys.sorted() {
            for dependency in dependencies[id, default: []] where dependencies[dependency] == nil {
                return (id, dependency)
            }
        }
        return nil
    }
}
