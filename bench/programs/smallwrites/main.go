// smallwrites makes one fd_write per line, unbuffered, into a pipe: it exercises the host's per-call
// cost and, whenever the pipe is full, Go's EAGAIN + poll_oneoff path on a non-blocking stdout.
package main

import (
	"fmt"
	"os"
)

const writes = 200_000

func main() {
	line := []byte("0123456789abcde\n")
	for i := 0; i < writes; i++ {
		if _, err := os.Stdout.Write(line); err != nil {
			fmt.Fprintf(os.Stderr, "write %d: %v\n", i, err)
			os.Exit(1)
		}
	}
}
