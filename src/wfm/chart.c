/*
 * chart.c - an SVG chart of a staffed forecast, written as text.
 *
 * Hand-written SVG rather than a plotting library: one static picture,
 * a few hundred bytes of markup per row, readable in any browser. Volume
 * is drawn as bars against the right axis, required and scheduled agents
 * as step lines against the left axis.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "centralino/wfm.h"

#define W      960.0
#define H      500.0
#define LEFT   80.0
#define RIGHT  90.0
#define TOP    70.0
#define BOTTOM 90.0

struct frame {
	FILE *f;
	const struct wfm_forecast *fc;
	double agents_top; /* left axis maximum */
	double volume_top; /* right axis maximum */
	double slot;       /* width of one interval */
	bool shrinkage;    /* scheduled differs from required somewhere */
};

/* A "nice" tick step (1, 2 or 5 times a power of ten) for 0..max. */
static double tick_step(double max)
{
	double raw = max / 5.0, p, m;

	if (raw <= 0.0)
		return 1.0;
	p = pow(10.0, floor(log10(raw)));
	m = raw / p;
	return (m <= 1.0 ? 1.0 : m <= 2.0 ? 2.0 : m <= 5.0 ? 5.0 : 10.0) * p;
}

static double axis_top(double max)
{
	double step = tick_step(max);

	return step * ceil((max > 0.0 ? max : 1.0) / step);
}

static double plot_w(void)
{
	return W - LEFT - RIGHT;
}

static double plot_h(void)
{
	return H - TOP - BOTTOM;
}

static double y_of(double v, double top)
{
	return TOP + plot_h() * (1.0 - v / top);
}

static void escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

/* The clock part of an interval start: "08:00" of "2024-05-06T08:00". */
static const char *clock_label(const char *start)
{
	size_t n = strlen(start);

	return n > 11 && (start[10] == 'T' || start[10] == ' ') ? start + 11
	                                                        : start;
}

static void axes(const struct frame *fr)
{
	FILE *f = fr->f;
	double step = tick_step(fr->agents_top);
	double vstep = tick_step(fr->volume_top);

	for (double v = 0.0; v <= fr->agents_top + step / 2; v += step) {
		double y = y_of(v, fr->agents_top);

		fprintf(f,
		        "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" "
		        "x2=\"%.1f\" y2=\"%.1f\"/>\n"
		        "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
		        "text-anchor=\"end\">%g</text>\n",
		        LEFT, y, LEFT + plot_w(), y, LEFT - 8, y + 4, v);
	}
	for (double v = 0.0; v <= fr->volume_top + vstep / 2; v += vstep)
		fprintf(
		    f, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\">%g</text>\n",
		    LEFT + plot_w() + 8, y_of(v, fr->volume_top) + 4, v);
	fprintf(f,
	        "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	        "y2=\"%.1f\"/>\n",
	        LEFT, TOP, LEFT, TOP + plot_h());
	fprintf(f,
	        "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	        "y2=\"%.1f\"/>\n",
	        LEFT + plot_w(), TOP, LEFT + plot_w(), TOP + plot_h());
	fprintf(f,
	        "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	        "y2=\"%.1f\"/>\n",
	        LEFT, TOP + plot_h(), LEFT + plot_w(), TOP + plot_h());
}

static void axis_titles(const struct frame *fr)
{
	FILE *f = fr->f;
	double mid = TOP + plot_h() / 2;

	fprintf(f,
	        "<text class=\"label\" transform=\"translate(%.1f %.1f) "
	        "rotate(-90)\" text-anchor=\"middle\">agents</text>\n",
	        LEFT - 50, mid);
	fprintf(f,
	        "<text class=\"label\" transform=\"translate(%.1f %.1f) "
	        "rotate(90)\" text-anchor=\"middle\">contacts per interval "
	        "(%g s)</text>\n",
	        W - RIGHT + 60, mid, fr->fc->interval_s);
	fprintf(f,
	        "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" "
	        "text-anchor=\"middle\">interval start</text>\n",
	        LEFT + plot_w() / 2, H - BOTTOM + 45);
}

static void x_labels(const struct frame *fr)
{
	size_t n = fr->fc->count, every = (n + 11) / 12;

	for (size_t i = 0; i < n; i += every) {
		double x = LEFT + fr->slot * (double)i;

		fprintf(fr->f,
		        "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" "
		        "x2=\"%.1f\" y2=\"%.1f\"/>\n"
		        "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
		        "text-anchor=\"middle\">",
		        x, TOP + plot_h(), x, TOP + plot_h() + 5, x,
		        TOP + plot_h() + 20);
		escaped(fr->f, clock_label(fr->fc->intervals[i].start));
		fputs("</text>\n", fr->f);
	}
}

static void volume_bars(const struct frame *fr)
{
	for (size_t i = 0; i < fr->fc->count; i++) {
		const struct wfm_interval *iv = &fr->fc->intervals[i];
		double y = y_of(iv->volume, fr->volume_top);

		fprintf(fr->f,
		        "<rect class=\"volume\" x=\"%.1f\" y=\"%.1f\" "
		        "width=\"%.1f\" height=\"%.1f\"><title>",
		        LEFT + fr->slot * (double)i + 1, y,
		        fr->slot > 2 ? fr->slot - 2 : fr->slot,
		        TOP + plot_h() - y);
		escaped(fr->f, iv->start);
		fprintf(fr->f, ": %g contacts, %u agents</title></rect>\n",
		        iv->volume, iv->agents);
	}
}

/* A step line: flat across each interval, vertical between them. */
static void step_line(const struct frame *fr, bool scheduled, const char *cls)
{
	fprintf(fr->f, "<polyline class=\"%s\" points=\"", cls);
	for (size_t i = 0; i < fr->fc->count; i++) {
		const struct wfm_interval *iv = &fr->fc->intervals[i];
		double v = scheduled ? iv->scheduled : iv->agents;
		double y = y_of(v, fr->agents_top);
		double x = LEFT + fr->slot * (double)i;

		fprintf(fr->f, "%.1f,%.1f %.1f,%.1f ", x, y, x + fr->slot, y);
	}
	fputs("\"/>\n", fr->f);
}

static void legend(const struct frame *fr)
{
	FILE *f = fr->f;
	double x = LEFT + plot_w() - 430, y = TOP - 22;

	fprintf(f,
	        "<rect class=\"volume\" x=\"%.1f\" y=\"%.1f\" width=\"14\" "
	        "height=\"10\"/>\n"
	        "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\">volume "
	        "(right axis)</text>\n",
	        x, y - 9, x + 20, y);
	x += 150;
	fprintf(f,
	        "<line class=\"agents\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	        "y2=\"%.1f\"/>\n"
	        "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\">required "
	        "agents</text>\n",
	        x, y - 4, x + 24, y - 4, x + 30, y);
	if (!fr->shrinkage)
		return; /* the scheduled line would hide under the required */
	x += 140;
	fprintf(f,
	        "<line class=\"scheduled\" x1=\"%.1f\" y1=\"%.1f\" "
	        "x2=\"%.1f\" y2=\"%.1f\"/>\n"
	        "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\">scheduled</text>\n",
	        x, y - 4, x + 24, y - 4, x + 30, y);
}

static void header(const struct frame *fr, const char *title)
{
	FILE *f = fr->f;

	fprintf(f,
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" "
	        "height=\"%g\" viewBox=\"0 0 %g %g\" "
	        "font-family=\"sans-serif\">\n",
	        W, H, W, H);
	fputs("<style>\n"
	      ".grid{stroke:#ddd;stroke-width:1}\n"
	      ".axis{stroke:#333;stroke-width:1}\n"
	      ".tick{font-size:12px;fill:#333}\n"
	      ".label{font-size:13px;fill:#111}\n"
	      ".title{font-size:17px;font-weight:bold;fill:#111}\n"
	      ".volume{fill:#9ecae1;fill-opacity:0.7}\n"
	      ".agents{fill:none;stroke:#d95f02;stroke-width:2.5}\n"
	      ".scheduled{fill:none;stroke:#555;stroke-width:1.5;"
	      "stroke-dasharray:6 4}\n"
	      "</style>\n"
	      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
	      f);
	fprintf(f, "<text class=\"title\" x=\"%.1f\" y=\"26\">", LEFT);
	escaped(f, title ? title : "Required agents per interval");
	fputs("</text>\n", f);
}

int wfm_forecast_svg(FILE *f, const struct wfm_forecast *fc, const char *title)
{
	struct frame fr = {.f = f, .fc = fc};
	double amax = 0.0, vmax = 0.0;

	if (!fc || !fc->count)
		return EINVAL;
	for (size_t i = 0; i < fc->count; i++) {
		amax = fmax(amax, fc->intervals[i].scheduled);
		amax = fmax(amax, fc->intervals[i].agents);
		vmax = fmax(vmax, fc->intervals[i].volume);
		if (fc->intervals[i].scheduled != fc->intervals[i].agents)
			fr.shrinkage = true;
	}
	fr.agents_top = axis_top(amax);
	fr.volume_top = axis_top(vmax);
	fr.slot = plot_w() / (double)fc->count;
	header(&fr, title);
	axes(&fr);
	volume_bars(&fr);
	if (fr.shrinkage)
		step_line(&fr, true, "scheduled");
	step_line(&fr, false, "agents");
	x_labels(&fr);
	axis_titles(&fr);
	legend(&fr);
	fputs("</svg>\n", f);
	return ferror(f) ? EIO : 0;
}
