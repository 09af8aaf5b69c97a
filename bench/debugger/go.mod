module benchdebugger

go 1.21
