"""The Bauplan emulator: a local gRPC server speaking the ``bauplan`` SDK's wire protocol."""
