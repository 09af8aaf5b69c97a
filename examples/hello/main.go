// hello is the quick-start program: built for wasip1 and run in the extension's own WASI host.
// It prints, reads a file from the preopened directory, reads a line from stdin, and calls a
// function of its own host module (host.mjs, supplied with --import hello=host.mjs).
package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strings"
	"unsafe"
)

// greet is not WASI: it is implemented in JavaScript by host.mjs. It writes a greeting for name
// into out and returns how many bytes it wrote.
//
//go:wasmimport hello greet
func greet(name unsafe.Pointer, nameLen uint32, out unsafe.Pointer, outCap uint32) uint32

func main() {
	fmt.Printf("Hello from Go %s on %s/%s!\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)

	motd, err := os.ReadFile("motd.txt")
	if err != nil {
		fmt.Fprintln(os.Stderr, "reading motd.txt:", err)
		os.Exit(1)
	}
	fmt.Printf("motd.txt says: %s", motd)

	fmt.Print("What's your name? ")
	name, _ := bufio.NewReader(os.Stdin).ReadString('\n')
	name = strings.TrimSpace(name)
	if name == "" {
		name = "stranger"
	}
	fmt.Printf("\nNice to meet you, %s.\n", name)

	out := make([]byte, 256)
	n := greet(unsafe.Pointer(unsafe.StringData(name)), uint32(len(name)), unsafe.Pointer(&out[0]), uint32(len(out)))
	fmt.Printf("The host says: %s\n", out[:n])
}
