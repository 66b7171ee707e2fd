from sobriety.cli.entry import run

run()
