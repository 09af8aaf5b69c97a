// fileio streams a large file through fd_write then fd_read in chunks the size bufio and io.Copy use,
// so the host's per-call overhead and its copying between guest memory and the file both show.
package main

import (
	"fmt"
	"io"
	"os"
)

const (
	fileSize  = 64 << 20
	chunkSize = 32 << 10
)

func main() {
	chunk := make([]byte, chunkSize)
	for i := range chunk {
		chunk[i] = byte(i)
	}
	f, err := os.Create("fileio.bin")
	check(err)
	for written := 0; written < fileSize; written += chunkSize {
		_, err := f.Write(chunk)
		check(err)
	}
	check(f.Close())

	f, err = os.Open("fileio.bin")
	check(err)
	total := 0
	for {
		n, err := f.Read(chunk)
		total += n
		if err == io.EOF {
			break
		}
		check(err)
	}
	check(f.Close())
	check(os.Remove("fileio.bin"))
	if total != fileSize {
		fmt.Fprintf(os.Stderr, "read back %d bytes, wrote %d\n", total, fileSize)
		os.Exit(1)
	}
	fmt.Println("ok", total)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
