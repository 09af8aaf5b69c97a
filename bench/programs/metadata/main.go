// metadata is dominated by path resolution: path_open, path_filestat_get and path_unlink_file on
// many small files, the pattern of build tools and test suites.
package main

import (
	"fmt"
	"os"
	"path/filepath"
)

const (
	files        = 2000
	statsPerFile = 5
)

func main() {
	check(os.Mkdir("meta", 0o755))
	names := make([]string, files)
	for i := range names {
		names[i] = filepath.Join("meta", fmt.Sprintf("file-%04d.txt", i))
		check(os.WriteFile(names[i], []byte(names[i]), 0o644))
	}
	stats := 0
	for round := 0; round < statsPerFile; round++ {
		for _, name := range names {
			info, err := os.Stat(name)
			check(err)
			if info.Size() != int64(len(name)) {
				fmt.Fprintf(os.Stderr, "%s: size %d, want %d\n", name, info.Size(), len(name))
				os.Exit(1)
			}
			stats++
		}
	}
	for _, name := range names {
		check(os.Remove(name))
	}
	check(os.Remove("meta"))
	fmt.Println("ok", stats)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
