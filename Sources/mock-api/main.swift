print("mock-api placeholder")
