// The debugger's own benchmark program (bench/debugger.mjs): a frame with twenty locals, a slice of
// 100,000 elements, and a line run 100,000 times for a conditional breakpoint whose condition is false.
package main

import "fmt"

func step(i int) int {
	return i & 7
}

func main() {
	big := make([]int, 100_000)
	for i := range big {
		big[i] = i * 3
	}
	a, b, c, d, e := 1, 2, 3, 4, 5
	f, g, h, j, k := "f", "g", "h", "j", "k"
	l, m, n, o, p := 1.5, 2.5, 3.5, 4.5, 5.5
	q, r, s := true, false, []string{"s"}
	total := 0 // stop: twenty locals and the big slice
	for i := 0; i < 100_000; i++ {
		total += step(i) // the conditional breakpoint's line
	}
	fmt.Println(len(big), total, a, b, c, d, e, f, g, h, j, k, l, m, n, o, p, q, r, s)
}
