// cryptorand pulls bulk entropy through random_get, as key generation and uuid-heavy code do.
package main

import (
	"crypto/rand"
	"fmt"
	"os"
)

const (
	total = 64 << 20
	chunk = 64 << 10
)

func main() {
	buf := make([]byte, chunk)
	var ones int
	for read := 0; read < total; read += chunk {
		if _, err := rand.Read(buf); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		ones += int(buf[0] & 1)
	}
	// A source stuck at one value would give 0 or all: both are astronomically unlikely otherwise.
	if ones == 0 || ones == total/chunk {
		fmt.Fprintln(os.Stderr, "random_get returned the same low bit every time")
		os.Exit(1)
	}
	fmt.Println("ok", total)
}
