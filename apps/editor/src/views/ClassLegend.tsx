/** Class colours shared by the result views (tree leaves, histograms) and their legend. */
export const CLASS_COLORS = ['#4f9cf9', '#2f9e44', '#e8590c', '#ae3ec9', '#f59f00', '#1098ad'];

export const classColor = (k: number) => CLASS_COLORS[k % CLASS_COLORS.length];

export function ClassLegend({ classes }: { classes: string[] }) {
  return (
    <div className="sf-legend">
      {classes.map((c, k) => (
        <span key={c}>
          <i style={{ background: classColor(k) }} /> {c}
        </span>
      ))}
    </div>
  );
}
