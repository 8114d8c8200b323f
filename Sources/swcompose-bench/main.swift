print("swcompose-bench")
