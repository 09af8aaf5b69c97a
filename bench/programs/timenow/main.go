// timenow calls clock_time_get twice per time.Now (wall and monotonic): the cheapest host call
// there is, so this is nearly pure call overhead between wasm and the host.
package main

import (
	"fmt"
	"os"
	"time"
)

const calls = 2_000_000

func main() {
	first := time.Now()
	last := first
	for i := 0; i < calls; i++ {
		now := time.Now()
		if now.Before(last) {
			fmt.Fprintf(os.Stderr, "clock went backwards at call %d\n", i)
			os.Exit(1)
		}
		last = now
	}
	fmt.Println("ok", last.Sub(first) > 0)
}
