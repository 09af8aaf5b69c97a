// hello is the quick-start program: built for wasip1 and run in the extension's own WASI host.
// It prints, reads a file from the preopened directory, and reads a line from stdin.
package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strings"
)

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
}
