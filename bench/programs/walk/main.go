// walk lists directories over and over: fd_readdir with its cookies, plus an open per directory,
// the way go/packages, gopls and `go list` crawl a module.
package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

const (
	topDirs     = 10
	subDirs     = 10
	filesPerDir = 48
	walks       = 3
)

func main() {
	created := 1
	check(os.Mkdir("tree", 0o755))
	for a := 0; a < topDirs; a++ {
		top := filepath.Join("tree", fmt.Sprintf("d%02d", a))
		check(os.Mkdir(top, 0o755))
		created++
		for b := 0; b < subDirs; b++ {
			dir := filepath.Join(top, fmt.Sprintf("s%02d", b))
			check(os.Mkdir(dir, 0o755))
			created++
			for c := 0; c < filesPerDir; c++ {
				check(os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%03d.go", c)), nil, 0o644))
				created++
			}
		}
	}
	for i := 0; i < walks; i++ {
		seen := 0
		err := filepath.WalkDir("tree", func(path string, d fs.DirEntry, err error) error {
			seen++
			return err
		})
		check(err)
		if seen != created {
			fmt.Fprintf(os.Stderr, "walk %d saw %d entries, created %d\n", i, seen, created)
			os.Exit(1)
		}
	}
	check(os.RemoveAll("tree"))
	fmt.Println("ok", created)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
