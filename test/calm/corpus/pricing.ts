// Extern functions for the CALM corpus program lattice_extern.hydro.
export function bucket(price: number): string {
  return price < 100 ? "cheap" : "dear";
}
