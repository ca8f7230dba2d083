"use client";
// The fleet's text search: typed freely, sent once typing pauses.
import { useEffect, useRef, useState } from "react";
import { SearchIcon } from "lucide-react";
import { Input } from "~/components/ui/input";

const searchDelayMs = 300;

export function SearchBox({ value, onSearch }: { value: string; onSearch: (search: string) => void }) {
  const [text, setText] = useState(value);
  // Follows the URL when it changes from elsewhere (Back, a chip, Clear filters).
  useEffect(() => setText(value), [value]);
  // The latest callback, so a re-render (a live refresh) does not restart the typing delay.
  const search = useRef(onSearch);
  useEffect(() => {
    search.current = onSearch;
  });
  useEffect(() => {
    if (text.trim() === value) return;
    const timer = setTimeout(() => search.current(text.trim()), searchDelayMs);
    return () => clearTimeout(timer);
  }, [text, value]);
  return (
    <div className="grid min-w-56 flex-1 gap-1.5 sm:max-w-xs">
      <label htmlFor="fleet-search" className="text-sm font-medium">
        Search
      </label>
      <div className="relative">
        <SearchIcon className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden />
        <Input
          id="fleet-search"
          type="search"
          className="pl-8"
          value={text}
          maxLength={100}
          placeholder="Hostname, user, Go, macOS"
          onChange={(event) => setText(event.target.value)}
        />
      </div>
    </div>
  );
}
