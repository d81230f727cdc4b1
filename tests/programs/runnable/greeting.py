TEXT = "hello from the package"
