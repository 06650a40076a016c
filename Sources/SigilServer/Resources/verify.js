// Progressive enhancement only: the form works without it. Dropping a file on the zone puts it in the form and
// submits it; choosing one shows its name.
(function () {
  var drop = document.getElementById('drop'), input = document.getElementById('file'), form = document.getElementById('upload');
  var chosen = document.getElementById('chosen');
  if (!drop || !input || !form) return;
  input.addEventListener('change', function () { chosen.textContent = input.files.length ? input.files[0].name : ''; });
  ['dragenter', 'dragover'].forEach(function (t) { drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.add('over'); }); });
  ['dragleave', 'drop'].forEach(function (t) { drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.remove('over'); }); });
  drop.addEventListener('drop', function (e) {
    if (!e.dataTransfer || !e.dataTransfer.files.length) return;
    input.files = e.dataTransfer.files;
    chosen.textContent = input.files[0].name;
    form.submit();
  });
})();
// While the player is inside the recorded opening label's time span, the timeline's span is highlighted.
(function () {
  var figure = document.getElementById('video'), player = document.getElementById('video-player');
  if (!figure || !player || !figure.dataset.end) return;
  var start = Number(figure.dataset.start), end = Number(figure.dataset.end);
  player.addEventListener('timeupdate', function () {
    figure.classList.toggle('in-label', player.currentTime >= start && player.currentTime < end);
  });
})();
