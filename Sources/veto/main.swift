print("veto")
