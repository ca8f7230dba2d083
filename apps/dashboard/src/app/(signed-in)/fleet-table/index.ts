// The fleet page's table and its parts, one component a file; the page needs only the table.
export { FleetTable } from "./fleet-table";
