"use client";
// One labelled choice among a few named options, on shadcn's Select: every drop-down of the
// dashboard is this one, so they look, open and read alike (the label names the trigger).
import { useId } from "react";
import { Label } from "~/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "~/components/ui/select";
import { cn } from "~/lib/utils";

/** Radix's Select has no empty value; this stands for "no choice" when `anyLabel` offers one. */
const anyValue = "__any__";

export function Choice<Value extends string>({
  label,
  value,
  options,
  onChange,
  anyLabel,
  inline = false,
  size = "default",
  className,
  triggerClassName,
  disabled,
}: {
  label: string;
  value: Value | undefined;
  /** [value, what people read] pairs, in the order shown. */
  options: readonly (readonly [Value, string])[];
  onChange: (value: Value | undefined) => void;
  /** Offers "no choice" under this name (a filter's "Any"); without it a value must be chosen. */
  anyLabel?: string;
  /** The label beside the trigger, as in a sentence, instead of above it. */
  inline?: boolean;
  size?: "sm" | "default";
  className?: string;
  triggerClassName?: string;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div className={cn(inline ? "flex items-center gap-2" : "grid gap-1.5", className)}>
      <Label htmlFor={id} className={cn(inline && "font-normal")}>
        {label}
      </Label>
      <Select
        value={value ?? (anyLabel === undefined ? undefined : anyValue)}
        disabled={disabled}
        onValueChange={(chosen) => onChange(options.find(([option]) => option === chosen)?.[0])}
      >
        <SelectTrigger id={id} size={size} className={cn("min-w-28", triggerClassName)}>
          <SelectValue />
        </SelectTrigger>
        <SelectContent>
          {anyLabel !== undefined ? <SelectItem value={anyValue}>{anyLabel}</SelectItem> : null}
          {options.map(([option, text]) => (
            <SelectItem key={option} value={option}>
              {text}
            </SelectItem>
          ))}
        </SelectContent>
      </Select>
    </div>
  );
}
