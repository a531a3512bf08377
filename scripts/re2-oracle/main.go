// Prints what Go's regexp.Compile says of each JSON-string line on stdin (scripts/re2-fixture.ts runs it).
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
)

func main() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	out := []map[string]interface{}{}
	for sc.Scan() {
		var p string
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			panic(err)
		}
		re, err := regexp.Compile(p)
		if err != nil {
			out = append(out, map[string]interface{}{"pattern": p, "ok": false, "error": err.Error()})
		} else {
			out = append(out, map[string]interface{}{"pattern": p, "ok": true, "groups": re.NumSubexp()})
		}
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
}
