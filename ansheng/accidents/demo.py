def load_accidents(ctx):
    pass
