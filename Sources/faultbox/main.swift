import FaultboxCommands
FaultboxMain.main()
