from sobriety.cli.main import run

run()
