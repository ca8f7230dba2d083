// The protocol floor for `pnpm bench:cacheprog`: the least a GOCACHEPROG helper can do. It keeps
// plaintext entries in Go's own bucket layout (`<GOCACHE>/xx/<action id>-a` holding the output ID,
// size and put time; `<GOCACHE>/xx/<output id>-d` the output itself, written by a rename) and
// answers every get with a DiskPath straight into GOCACHE: no encryption, no scratch copy, no
// stats, no trim. Whatever a build costs through it beyond Go's disk cache is the price of the
// protocol (a process, a pipe, JSON, one round trip per lookup), which any helper pays. The bench
// compiles it with the same go; it is never shipped.
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// The protocol's messages as cmd/go/internal/cacheprog defines them; the shipped helper declares
// the same shapes. They stay apart so that the floor is one standalone file the bench compiles.
type request struct {
	ID       int64
	Command  string
	ActionID []byte `json:",omitempty"`
	OutputID []byte `json:",omitempty"`
	BodySize int64  `json:",omitempty"`
}

type response struct {
	ID            int64      `json:"ID"`
	Err           string     `json:",omitempty"`
	KnownCommands []string   `json:",omitempty"`
	Miss          bool       `json:",omitempty"`
	OutputID      []byte     `json:",omitempty"`
	Size          int64      `json:",omitempty"`
	Time          *time.Time `json:",omitempty"`
	DiskPath      string     `json:",omitempty"`
}

const actionLen = 32 + 8 + 8 // output ID, size, put time (unix nanos)

var gocache string

func main() {
	gocache = os.Getenv("GOCACHE")
	if !filepath.IsAbs(gocache) {
		fmt.Fprintln(os.Stderr, "cacheprog-floor: GOCACHE is not an absolute path")
		os.Exit(1)
	}
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	answer := func(res *response) {
		enc.Encode(res)
		out.Flush()
	}
	answer(&response{KnownCommands: []string{"get", "put", "close"}})
	dec := json.NewDecoder(bufio.NewReaderSize(os.Stdin, 256<<10))
	for {
		var req request
		if err := dec.Decode(&req); err != nil {
			return
		}
		switch req.Command {
		case "get":
			answer(get(&req))
		case "put":
			var body []byte
			if req.BodySize > 0 {
				if err := dec.Decode(&body); err != nil {
					return
				}
			}
			answer(put(&req, body))
		case "close":
			answer(&response{ID: req.ID})
			return
		default:
			answer(&response{ID: req.ID, Err: "unknown command " + req.Command})
		}
	}
}

func entryPath(id []byte, suffix string) string {
	name := hex.EncodeToString(id)
	return filepath.Join(gocache, name[:2], name+suffix)
}

func get(req *request) *response {
	entry, err := os.ReadFile(entryPath(req.ActionID, "-a"))
	if err != nil || len(entry) != actionLen {
		return &response{ID: req.ID, Miss: true}
	}
	outputID := entry[:32]
	size := int64(binary.BigEndian.Uint64(entry[32:40]))
	putTime := time.Unix(0, int64(binary.BigEndian.Uint64(entry[40:48])))
	return &response{ID: req.ID, OutputID: outputID, Size: size, Time: &putTime, DiskPath: entryPath(outputID, "-d")}
}

func put(req *request, body []byte) *response {
	if len(req.ActionID) != 32 || len(req.OutputID) != 32 || int64(len(body)) != req.BodySize {
		return &response{ID: req.ID, Err: "malformed put"}
	}
	outputFile := entryPath(req.OutputID, "-d")
	if info, err := os.Stat(outputFile); err != nil || info.Size() != req.BodySize {
		if err := writeAtomic(outputFile, body); err != nil {
			return &response{ID: req.ID, Err: err.Error()}
		}
	}
	entry := make([]byte, actionLen)
	copy(entry, req.OutputID)
	binary.BigEndian.PutUint64(entry[32:40], uint64(req.BodySize))
	binary.BigEndian.PutUint64(entry[40:48], uint64(time.Now().UnixNano()))
	if err := writeAtomic(entryPath(req.ActionID, "-a"), entry); err != nil {
		return &response{ID: req.ID, Err: err.Error()}
	}
	return &response{ID: req.ID, DiskPath: outputFile}
}

func writeAtomic(file string, data []byte) error {
	dir := filepath.Dir(file)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), file)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
