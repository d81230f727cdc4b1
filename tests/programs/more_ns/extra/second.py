WHO = "second plugin"
