WHO = "first plugin"
