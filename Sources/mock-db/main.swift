print("mock-db placeholder")
