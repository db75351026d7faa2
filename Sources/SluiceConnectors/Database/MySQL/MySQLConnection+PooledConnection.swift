import SluiceMySQLWire

/// A MySQL connection is held by a ``ConnectionPool`` as it is: it says itself whether it is
/// still usable, and closes with `COM_QUIT`.
extension MySQLConnection: PooledConnection {}
