// stdin drains a pipe the harness fills: reads on a non-blocking stdin return EAGAIN whenever the
// pipe is momentarily empty, so readiness in poll_oneoff decides whether this finishes at all.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	buf := make([]byte, 64<<10)
	total := 0
	for {
		n, err := os.Stdin.Read(buf)
		total += n
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	fmt.Println("ok", total)
}
